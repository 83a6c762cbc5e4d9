//! Relative paths that are safe to restore a file to, on any common file system,
//! from names that may hold `..`, absolute paths, drive letters and controls.

use std::fmt;
use std::path::PathBuf;

use super::display_form;

/// The longest component, in bytes: the limit of most file systems.
pub const MAX_COMPONENT_BYTES: usize = 255;
/// The longest whole path, in bytes; leading folders give way to stay within it.
pub const MAX_PATH_BYTES: usize = 1024;
/// The name of last resort, when neither a name nor its fallback leaves anything.
const LAST_RESORT: &str = "unnamed";
/// An extension longer than this is part of the name, for truncation's sake.
const MAX_EXTENSION_BYTES: usize = 16;

/// A relative path of one or more components joined by `/`, each of them a
/// normal name: never empty, `.` or `..`, no drive letter, no separator, no control
/// character, none of `<>:"|?*`, no trailing dot or space, no Windows device name
/// such as `CON` or `com1.txt`, at most [`MAX_COMPONENT_BYTES`] bytes; at most
/// [`MAX_PATH_BYTES`] bytes in all.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SafeRelativePath(String);

impl SafeRelativePath {
    /// The safe form of `name`, or of `fallback` (an archive id, say) when nothing
    /// of the name is left. Both `/` and `\` separate components; `.`, `..`, empty
    /// components and drive letters are dropped rather than resolved.
    pub fn new(name: &str, fallback: &str) -> Self {
        let mut components = safe_components(name);
        if components.is_empty() {
            components = safe_components(fallback);
        }
        if components.is_empty() {
            components.push(LAST_RESORT.to_owned());
        }
        Self(join_within_bound(components))
    }

    /// The path with `/` between components.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The last component.
    pub fn file_name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }

    /// The path in this platform's form, to join to a destination folder.
    pub fn to_path_buf(&self) -> PathBuf {
        self.components().collect()
    }

    /// The same folder with another last component, which must already be safe. A
    /// longer name can take the path past [`MAX_PATH_BYTES`]; leading folders then
    /// give way, as they do in [`SafeRelativePath::new`].
    pub(super) fn with_file_name(&self, file_name: &str) -> Self {
        let mut components: Vec<String> = self.components().map(str::to_owned).collect();
        components.pop();
        components.push(file_name.to_owned());
        Self(join_within_bound(components))
    }
}

impl fmt::Display for SafeRelativePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn safe_components(name: &str) -> Vec<String> {
    display_form(name)
        .split(['/', '\\'])
        .filter(|component| !is_drive(component))
        .filter_map(safe_component)
        .collect()
}

/// `C:`, which makes a path absolute or drive-relative on Windows.
fn is_drive(component: &str) -> bool {
    matches!(component.as_bytes(), [letter, b':'] if letter.is_ascii_alphabetic())
}

fn safe_component(component: &str) -> Option<String> {
    let replaced: String = component
        .chars()
        .map(|c| if is_reserved_char(c) { '_' } else { c })
        .collect();
    // Windows drops trailing dots and spaces: `.. ` would become `..`, and `a.`
    // the same file as `a`. Dropping them also removes `.` and `..`.
    let trimmed = replaced.trim_end_matches(['.', ' ']);
    if trimmed.is_empty() {
        return None;
    }
    let named = if is_device_name(trimmed) {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    };
    let bounded = truncate_keeping_extension(&named, MAX_COMPONENT_BYTES);
    let bounded = bounded.trim_end_matches(['.', ' ']);
    (!bounded.is_empty()).then(|| bounded.to_owned())
}

/// Characters Windows refuses in names (controls are gone already, but a name may
/// come here without passing through the display form).
fn is_reserved_char(c: char) -> bool {
    c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*')
}

/// Windows device names, which stay devices with any extension.
fn is_device_name(component: &str) -> bool {
    let stem = component.split('.').next().unwrap_or(component).trim_end();
    let upper = stem.to_uppercase();
    if matches!(
        upper.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let Some(number) = upper
        .strip_prefix("COM")
        .or_else(|| upper.strip_prefix("LPT"))
    else {
        return false;
    };
    let mut digits = number.chars();
    matches!(
        (digits.next(), digits.next()),
        (Some('0'..='9' | '¹' | '²' | '³'), None)
    )
}

/// The name cut to at most `limit` bytes at a character boundary, keeping a short
/// extension so that the file still opens with the right program.
pub(super) fn truncate_keeping_extension(name: &str, limit: usize) -> String {
    if name.len() <= limit {
        return name.to_owned();
    }
    let (stem, extension) = split_extension(name);
    let extension = if extension.len() <= MAX_EXTENSION_BYTES {
        extension
    } else {
        ""
    };
    format!("{}{extension}", truncate(stem, limit - extension.len()))
}

/// `photo (2).jpg` for `photo.jpg` and 2, within the component bound.
pub(super) fn numbered_name(file_name: &str, number: u64) -> String {
    suffixed_name(file_name, &format!(" ({number})"), MAX_COMPONENT_BYTES)
}

/// `photo{suffix}.jpg`, within `limit` bytes: the stem gives way, never the
/// suffix or an extension of up to 16 bytes.
pub(super) fn suffixed_name(file_name: &str, suffix: &str, limit: usize) -> String {
    let (stem, extension) = match split_extension(file_name) {
        (_, extension) if extension.len() > MAX_EXTENSION_BYTES => (file_name, ""),
        split => split,
    };
    let suffix = format!("{suffix}{extension}");
    format!(
        "{}{suffix}",
        truncate(stem, limit.saturating_sub(suffix.len()))
    )
}

/// The longest start of `text` of at most `limit` bytes that ends between characters.
fn truncate(text: &str, limit: usize) -> &str {
    let cut = (0..=limit.min(text.len()))
        .rev()
        .find(|&at| text.is_char_boundary(at))
        .unwrap_or(0);
    &text[..cut]
}

/// `photo.jpg` → (`photo`, `.jpg`); `backup.tar.gz` → (`backup`, `.tar.gz`); a
/// leading dot (`.bashrc`) starts no extension.
pub(super) fn split_extension(name: &str) -> (&str, &str) {
    let Some(dot) = name.rfind('.').filter(|&dot| dot > 0) else {
        return (name, "");
    };
    let (stem, extension) = name.split_at(dot);
    match stem.strip_suffix(".tar") {
        Some(inner) if !inner.is_empty() => name.split_at(inner.len()),
        _ => (stem, extension),
    }
}

/// Joins components, dropping leading folders while the whole is too long; the
/// file name alone always fits.
fn join_within_bound(components: Vec<String>) -> String {
    let separators = components.len().saturating_sub(1);
    let mut total = components.iter().map(String::len).sum::<usize>() + separators;
    let mut first = 0;
    while total > MAX_PATH_BYTES && first + 1 < components.len() {
        total -= components[first].len() + 1;
        first += 1;
    }
    components[first..].join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(name: &str) -> String {
        SafeRelativePath::new(name, "ARCHIVE-ID")
            .as_str()
            .to_owned()
    }

    #[test]
    fn relative_names_are_kept() {
        assert_eq!(safe("photos/2014/IMG 0001.jpg"), "photos/2014/IMG 0001.jpg");
        assert_eq!(safe("日本語/ファイル.txt"), "日本語/ファイル.txt");
        assert_eq!(safe(".config/app"), ".config/app");
    }

    #[test]
    fn nothing_escapes_the_destination() {
        for (name, expected) in [
            ("../../etc/passwd", "etc/passwd"),
            ("/etc/passwd", "etc/passwd"),
            ("a/./b/../c", "a/b/c"),
            (r"C:\Users\me\file.txt", "Users/me/file.txt"),
            ("/C:/Users/x", "Users/x"),
            (r"\\server\share\f", "server/share/f"),
            (r"\\?\C:\f", "_/f"),
            ("a//b///c", "a/b/c"),
            (".. /x", "x"),
            ("... /x", "x"),
            ("a\u{0}b", "ab"),
        ] {
            assert_eq!(safe(name), expected, "{name}");
        }
    }

    #[test]
    fn windows_hazards_are_made_harmless() {
        for (name, expected) in [
            ("a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h"),
            ("C:file", "C_file"),
            ("CON", "_CON"),
            ("con.txt", "_con.txt"),
            ("dir/Com1.tar.gz", "dir/_Com1.tar.gz"),
            ("LPT¹", "_LPT¹"),
            ("nul .txt", "_nul .txt"),
            ("CONSOLE.txt", "CONSOLE.txt"),
            ("COM10", "COM10"),
            ("name. . ", "name"),
            ("a\u{1b}[31mb/c", "ab/c"),
        ] {
            assert_eq!(safe(name), expected, "{name}");
        }
    }

    #[test]
    fn empty_names_fall_back() {
        for name in ["", "/", "..", "./..", " ", "\u{1b}[0m", "C:"] {
            assert_eq!(safe(name), "ARCHIVE-ID", "{name:?}");
        }
        assert_eq!(SafeRelativePath::new("..", "").as_str(), "unnamed");
    }

    #[test]
    fn lengths_are_bounded() {
        let long = format!("{}.jpeg", "é".repeat(300));
        let component = safe(&long);
        assert!(component.len() <= MAX_COMPONENT_BYTES);
        assert!(component.ends_with("é.jpeg"));
        let deep = vec!["folder".repeat(40); 10].join("/") + "/file.txt";
        let path = safe(&deep);
        assert!(path.len() <= MAX_PATH_BYTES);
        assert!(path.ends_with("/file.txt"));
    }

    #[test]
    fn extensions() {
        assert_eq!(split_extension("photo.jpg"), ("photo", ".jpg"));
        assert_eq!(split_extension("backup.tar.gz"), ("backup", ".tar.gz"));
        assert_eq!(split_extension(".tar.gz"), (".tar", ".gz"));
        assert_eq!(split_extension(".bashrc"), (".bashrc", ""));
        assert_eq!(split_extension("README"), ("README", ""));
    }

    #[test]
    fn platform_paths_have_the_same_components() {
        let path = SafeRelativePath::new("a/b/c.txt", "x");
        assert_eq!(
            path.to_path_buf(),
            PathBuf::from("a").join("b").join("c.txt")
        );
        assert_eq!(path.file_name(), "c.txt");
        assert_eq!(path.with_file_name("d.txt").as_str(), "a/b/d.txt");
    }
}
