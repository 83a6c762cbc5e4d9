//! Code page 437, the encoding of zip member names whose UTF-8 flag is not set
//! (what MS-DOS and most older zip tools wrote).

/// The characters of bytes 0x80 to 0xFF; below 0x80 it is ASCII.
const HIGH_HALF: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', //
    'É', 'æ', 'Æ', 'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', //
    'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', //
    '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', //
    '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', //
    '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', //
    'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', //
    '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
];

/// The text of `bytes` in code page 437.
pub fn decode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&byte| match byte {
            0..=0x7f => char::from(byte),
            _ => HIGH_HALF[usize::from(byte - 0x80)],
        })
        .collect()
}

/// `text` in code page 437, or `None` when a character has no byte there.
pub fn encode(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| match u8::try_from(c) {
            Ok(byte) if byte < 0x80 => Some(byte),
            _ => HIGH_HALF
                .iter()
                .position(|&high| high == c)
                .and_then(|at| u8::try_from(at + 0x80).ok()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_stays_and_the_high_half_is_dos_text() {
        assert_eq!(decode(b"Docs/a.txt"), "Docs/a.txt");
        // "Résumé" as DOS wrote it: é is 0x82.
        assert_eq!(decode(&[b'R', 0x82, b's', b'u', b'm', 0x82]), "Résumé");
        assert_eq!(decode(&[0x80, 0x9e, 0xe1, 0xff]), "Ç₧ß\u{a0}");
    }

    #[test]
    fn encoding_is_decoding_backwards() {
        let every: Vec<u8> = (0..=255).collect();
        assert_eq!(encode(&decode(&every)).unwrap(), every);
        assert_eq!(
            encode("Résumé").unwrap(),
            [b'R', 0x82, b's', b'u', b'm', 0x82]
        );
        assert_eq!(encode("写真"), None);
    }
}
