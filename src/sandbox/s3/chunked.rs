//! AWS's `aws-chunked` content encoding, which SDKs use to send a streaming
//! body with its checksum after it: chunks of `SIZE-IN-HEX[;chunk-signature=…]`
//! CRLF, the bytes, CRLF; a last chunk of size 0; then trailing headers
//! (`x-amz-checksum-sha256:…`) and an empty line. Chunk signatures are not
//! checked, as no signature is.

use bytes::{Buf, Bytes};

/// A chunk-size line longer than this is not one.
const MAX_LINE: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the aws-chunked body is malformed: {0}")]
pub struct ChunkError(&'static str);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    SizeLine,
    Data { left: u64 },
    DataEnd,
    Trailers,
    Done,
}

/// Decodes an aws-chunked body fed in pieces as they arrive.
#[derive(Debug)]
pub struct ChunkedDecoder {
    stage: Stage,
    line: Vec<u8>,
    trailers: Vec<(String, String)>,
}

impl Default for ChunkedDecoder {
    fn default() -> Self {
        Self {
            stage: Stage::SizeLine,
            line: Vec::new(),
            trailers: Vec::new(),
        }
    }
}

impl ChunkedDecoder {
    /// The body bytes in `input`, as slices of it.
    pub fn feed(&mut self, mut input: Bytes) -> Result<Vec<Bytes>, ChunkError> {
        let mut data = Vec::new();
        while input.has_remaining() {
            match self.stage {
                Stage::Data { left } => {
                    let take = usize::try_from(left).unwrap_or(usize::MAX).min(input.len());
                    data.push(input.split_to(take));
                    let left = left - take as u64;
                    self.stage = if left == 0 {
                        Stage::DataEnd
                    } else {
                        Stage::Data { left }
                    };
                }
                Stage::Done => return Err(ChunkError("bytes after the end of the body")),
                Stage::SizeLine | Stage::DataEnd | Stage::Trailers => {
                    let Some(line) = self.take_line(&mut input)? else {
                        break;
                    };
                    self.end_of_line(&line)?;
                }
            }
        }
        Ok(data)
    }

    /// The trailing headers, once the whole body has been fed.
    pub fn finish(self) -> Result<Vec<(String, String)>, ChunkError> {
        match self.stage {
            Stage::Done => Ok(self.trailers),
            _ => Err(ChunkError("the body ends before its last chunk")),
        }
    }

    /// A whole line (without CRLF) when `input` completes one; else keeps it.
    fn take_line(&mut self, input: &mut Bytes) -> Result<Option<Vec<u8>>, ChunkError> {
        match input.iter().position(|&byte| byte == b'\n') {
            Some(at) => {
                self.line.extend_from_slice(&input[..at]);
                input.advance(at + 1);
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                Ok(Some(line))
            }
            None => {
                self.line.extend_from_slice(input);
                input.advance(input.len());
                if self.line.len() > MAX_LINE {
                    return Err(ChunkError("a line is too long"));
                }
                Ok(None)
            }
        }
    }

    fn end_of_line(&mut self, line: &[u8]) -> Result<(), ChunkError> {
        let text = std::str::from_utf8(line).map_err(|_| ChunkError("a line is not text"))?;
        match self.stage {
            Stage::SizeLine => {
                let size = text.split(';').next().unwrap_or_default().trim();
                let size =
                    u64::from_str_radix(size, 16).map_err(|_| ChunkError("a bad chunk size"))?;
                self.stage = if size == 0 {
                    Stage::Trailers
                } else {
                    Stage::Data { left: size }
                };
            }
            Stage::DataEnd if text.is_empty() => self.stage = Stage::SizeLine,
            Stage::DataEnd => return Err(ChunkError("a chunk is longer than its size")),
            Stage::Trailers if text.is_empty() => self.stage = Stage::Done,
            Stage::Trailers => {
                let (name, value) = text
                    .split_once(':')
                    .ok_or(ChunkError("a trailer without a colon"))?;
                self.trailers
                    .push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
            Stage::Data { .. } | Stage::Done => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-sha256:q83v\r\nx-amz-trailer-signature:ff\r\n\r\n";

    fn decode_in_pieces(piece: usize) -> (Vec<u8>, Vec<(String, String)>) {
        let mut decoder = ChunkedDecoder::default();
        let mut out = Vec::new();
        for chunk in BODY.chunks(piece) {
            for data in decoder.feed(Bytes::copy_from_slice(chunk)).unwrap() {
                out.extend_from_slice(&data);
            }
        }
        (out, decoder.finish().unwrap())
    }

    #[test]
    fn the_body_and_its_trailers_come_out_however_it_is_split() {
        for piece in [1, 2, 3, 7, BODY.len()] {
            let (body, trailers) = decode_in_pieces(piece);
            assert_eq!(body, b"hello world", "pieces of {piece}");
            assert_eq!(
                trailers,
                [
                    ("x-amz-checksum-sha256".to_owned(), "q83v".to_owned()),
                    ("x-amz-trailer-signature".to_owned(), "ff".to_owned())
                ]
            );
        }
    }

    #[test]
    fn broken_bodies_are_refused() {
        let cut = &BODY[..20];
        let mut decoder = ChunkedDecoder::default();
        decoder.feed(Bytes::from_static(cut)).unwrap();
        assert!(decoder.finish().is_err());
        for bad in [&b"zz\r\n"[..], b"2\r\nabc\r\n", b"0\r\nno colon\r\n"] {
            let mut decoder = ChunkedDecoder::default();
            assert!(decoder.feed(Bytes::from_static(bad)).is_err(), "{bad:?}");
        }
    }
}
