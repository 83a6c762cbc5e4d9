//! SQLite's record format and variable-length integers, for writing table rows
//! straight into b-tree pages (see `bulk_table`). Layout as the SQLite file
//! format document gives it: a header of serial types, then the values.

/// One column value of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

/// The same values bound to a statement, for the plain-SQL writer: text and
/// blobs are bound borrowed, as they are.
impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ValueRef;
        Ok(rusqlite::types::ToSqlOutput::Borrowed(match *self {
            Value::Null => ValueRef::Null,
            Value::Integer(number) => ValueRef::Integer(number),
            Value::Text(bytes) => ValueRef::Text(bytes),
            Value::Blob(bytes) => ValueRef::Blob(bytes),
        }))
    }
}

/// Builds records into reused buffers, so that writing a row allocates nothing.
#[derive(Default)]
pub struct RecordBuilder {
    /// The header of the record last prepared: its length, then serial types.
    header: Vec<u8>,
    /// The length of the body of the record last prepared.
    body_len: usize,
}

impl RecordBuilder {
    /// The record of `values`, in column order, on its own.
    #[cfg(test)]
    pub fn build(&mut self, values: &[Value<'_>]) -> Vec<u8> {
        let mut record = vec![0; self.prepare(values)];
        self.write_prepared(values, &mut record);
        record
    }

    /// Only the header of the record of `values`: for a record whose values
    /// the caller writes after it (see `TableBuilder::insert_parts`).
    #[cfg(test)]
    pub fn header(&mut self, values: &[Value<'_>]) -> &[u8] {
        self.prepare(values);
        &self.header
    }

    /// Works out the header of the record of `values` and returns the record's
    /// length, for [`RecordBuilder::write_prepared`] to write it in place.
    pub fn prepare(&mut self, values: &[Value<'_>]) -> usize {
        // Room for the header's size first: one byte, unless the header turns out
        // to need more (a header of 127 bytes or more, which rows here never have).
        self.header.clear();
        self.header.push(0);
        let mut body_len = 0;
        for value in values {
            let (serial_type, len) = serial_type(value);
            push_varint(&mut self.header, serial_type);
            body_len += len;
        }
        let types_len = self.header.len() as u64 - 1;
        let mut header_len = types_len + 1;
        while varint_len(header_len) as u64 + types_len != header_len {
            header_len = varint_len(header_len) as u64 + types_len;
        }
        let size_len = varint_len(header_len);
        if size_len > 1 {
            self.header.splice(0..1, std::iter::repeat_n(0, size_len));
        }
        write_varint(&mut self.header, header_len);
        self.body_len = body_len;
        self.header.len() + body_len
    }

    /// Writes the record of `values`, which must be those last given to
    /// [`RecordBuilder::prepare`], into `out`, which must be as long as it said.
    /// Inlined: on each archive's path, where the values' count is known.
    #[inline]
    pub fn write_prepared(&self, values: &[Value<'_>], out: &mut [u8]) {
        debug_assert_eq!(out.len(), self.header.len() + self.body_len);
        let (header, mut body) = out.split_at_mut(self.header.len());
        header.copy_from_slice(&self.header);
        for value in values {
            let bytes: &[u8] = match *value {
                // 0 and 1 are in their serial types and take no body bytes.
                Value::Null | Value::Integer(0 | 1) => continue,
                Value::Integer(number) => {
                    let width = integer_width(number);
                    let (here, rest) = body.split_at_mut(width);
                    here.copy_from_slice(&number.to_be_bytes()[8 - width..]);
                    body = rest;
                    continue;
                }
                Value::Text(bytes) | Value::Blob(bytes) => bytes,
            };
            let (here, rest) = body.split_at_mut(bytes.len());
            here.copy_from_slice(bytes);
            body = rest;
        }
    }
}

/// The serial type of a value and the bytes its body takes.
fn serial_type(value: &Value<'_>) -> (u64, usize) {
    match *value {
        Value::Null => (0, 0),
        // Types 8 and 9 are the constants 0 and 1 (schema format 4).
        Value::Integer(0) => (8, 0),
        Value::Integer(1) => (9, 0),
        Value::Integer(number) => {
            let width = integer_width(number);
            let serial = match width {
                1 => 1,
                2 => 2,
                3 => 3,
                4 => 4,
                6 => 5,
                _ => 6,
            };
            (serial, width)
        }
        Value::Text(bytes) => (bytes.len() as u64 * 2 + 13, bytes.len()),
        Value::Blob(bytes) => (bytes.len() as u64 * 2 + 12, bytes.len()),
    }
}

/// The fewest bytes, among those SQLite offers (1, 2, 3, 4, 6, 8), that hold
/// `number` as big-endian two's complement.
fn integer_width(number: i64) -> usize {
    [1usize, 2, 3, 4, 6]
        .into_iter()
        .find(|&width| {
            let bits = width as u32 * 8;
            let limit = 1i64 << (bits - 1);
            (-limit..limit).contains(&number)
        })
        .unwrap_or(8)
}

/// Appends SQLite's varint: big-endian groups of seven bits with the high bit
/// set on all but the last, and a ninth byte that carries a full eight bits.
#[inline]
pub fn push_varint(out: &mut Vec<u8>, value: u64) {
    // Most varints here (serial types, lengths) take one byte or two: pushed
    // directly rather than through a copy of variable length.
    if value < 0x80 {
        out.push(value as u8);
        return;
    }
    if value < 0x4000 {
        out.extend_from_slice(&[(value >> 7) as u8 | 0x80, value as u8 & 0x7f]);
        return;
    }
    let mut bytes = [0u8; 9];
    let len = write_varint(&mut bytes, value);
    out.extend_from_slice(&bytes[..len]);
}

/// Writes SQLite's varint at the start of `out` (which has room for it) and
/// returns its length.
pub fn write_varint(out: &mut [u8], value: u64) -> usize {
    if value < 0x80 {
        out[0] = value as u8;
        return 1;
    }
    if value > (1 << 56) - 1 {
        // Nine bytes: eight of seven bits, then the low eight bits whole.
        let high = value >> 8;
        for (index, group) in (0..8).rev().enumerate() {
            out[index] = ((high >> (group * 7)) & 0x7f) as u8 | 0x80;
        }
        out[8] = value as u8;
        return 9;
    }
    let len = varint_len(value);
    for (index, group) in (0..len).rev().enumerate() {
        let bits = ((value >> (group * 7)) & 0x7f) as u8;
        out[index] = if group == 0 { bits } else { bits | 0x80 };
    }
    len
}

/// How many bytes `push_varint` writes for `value`.
pub fn varint_len(value: u64) -> usize {
    if value > (1 << 56) - 1 {
        return 9;
    }
    let bits = 64 - value.leading_zeros() as usize;
    bits.div_ceil(7).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes a varint the way SQLite's reader does.
    fn read_varint(bytes: &[u8]) -> (u64, usize) {
        let mut value = 0u64;
        for (index, &byte) in bytes.iter().enumerate().take(8) {
            value = (value << 7) | u64::from(byte & 0x7f);
            if byte & 0x80 == 0 {
                return (value, index + 1);
            }
        }
        ((value << 8) | u64::from(bytes[8]), 9)
    }

    #[test]
    fn varints_round_trip_at_every_length_boundary() {
        let mut samples = vec![0, 1, 127, 128, 16_383, 16_384, u64::MAX];
        for shift in 1..64 {
            samples.extend([(1u64 << shift) - 1, 1u64 << shift]);
        }
        for value in samples {
            let mut out = Vec::new();
            push_varint(&mut out, value);
            assert_eq!(out.len(), varint_len(value), "{value}");
            assert_eq!(read_varint(&out), (value, out.len()), "{value}");
        }
    }

    #[test]
    fn a_header_alone_is_the_start_of_the_whole_record() {
        let values = [Value::Null, Value::Blob(&[1, 2, 3]), Value::Integer(-5)];
        let mut builder = RecordBuilder::default();
        let whole = builder.build(&values).to_vec();
        let header = builder.header(&values);
        assert_eq!(header, &whole[..header.len()]);
        assert_eq!(&whole[header.len()..], [1, 2, 3, 0xfb]);
    }

    #[test]
    fn a_long_header_counts_its_own_two_byte_size() {
        // Seventy texts of 100 bytes: each serial type takes two bytes, so the
        // header is 140 bytes of types and needs two bytes to give its size.
        let text = [b'x'; 100];
        let values = vec![Value::Text(&text); 70];
        let mut builder = RecordBuilder::default();
        let record = builder.build(&values);
        assert_eq!(read_varint(&record), (142, 2));
        assert_eq!(read_varint(&record[2..]), (100 * 2 + 13, 2));
        assert_eq!(record.len(), 142 + 70 * 100);
        assert!(record[142..].iter().all(|&byte| byte == b'x'));
    }

    #[test]
    fn integers_take_the_narrowest_width() {
        assert_eq!(integer_width(127), 1);
        assert_eq!(integer_width(-128), 1);
        assert_eq!(integer_width(128), 2);
        assert_eq!(integer_width(-8_388_608), 3);
        assert_eq!(integer_width(2_147_483_648), 6);
        assert_eq!(integer_width(1 << 47), 8);
        assert_eq!(integer_width(i64::MIN), 8);
    }

    #[test]
    fn a_record_matches_the_file_format_example() {
        let mut builder = RecordBuilder::default();
        let record = builder.build(&[
            Value::Null,
            Value::Integer(0),
            Value::Integer(300),
            Value::Text(b"ab"),
            Value::Blob(&[7]),
        ]);
        // Header: its size (6), then types 0, 8, 2, 17 (text of 2), 14 (blob of 1).
        assert_eq!(record, [6, 0, 8, 2, 17, 14, 1, 44, b'a', b'b', 7]);
    }
}
