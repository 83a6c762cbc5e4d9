//! The terminal UI's configuration: keymap, explanations, theme and price
//! table, each a TOML file in the platform's config directory over defaults
//! shipped in `assets/`.
//! A mistake names the file, the line and the key, and stops the program before
//! the screen is taken over.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use ratatui::style::Color;
use serde::Deserialize;

use super::explain::Explanations;
use super::keymap::Keymap;
use crate::domain::cost::PriceTable;
use crate::input::{Accepts, InputPath};
use crate::text::printable;

const DEFAULT_THEME: &str = include_str!("../../assets/theme.toml");

/// A configuration file that cannot be used, said as `FILE line N, key 'K': what`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}{}: {message}", line.map(|line| format!(" line {line}")).unwrap_or_default(), key.as_ref().map(|key| format!(", key '{key}'")).unwrap_or_default())]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl ConfigError {
    /// A TOML syntax or type error, at the line its span starts on.
    pub fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> ConfigError {
        let line = err.span().map(|span| line_of(text, span.start));
        ConfigError {
            file: file.to_owned(),
            line,
            key: None,
            message: err.message().trim().to_owned(),
        }
    }

    /// A problem with the value of `key`, at the line that sets it.
    pub fn at_key(file: &str, text: &str, key: &str, message: String) -> ConfigError {
        let line = text
            .lines()
            .position(|line| {
                let trimmed = line.trim_start();
                trimmed
                    .strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|index| index + 1);
        ConfigError {
            file: file.to_owned(),
            line,
            key: Some(key.to_owned()),
            message,
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|byte| **byte == b'\n')
        .count()
        + 1
}

/// The colours the screen is drawn in.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub accent: Color,
    pub selection_fg: Color,
    pub selection_bg: Color,
    pub border: Color,
    pub focus_border: Color,
    pub muted: Color,
    pub good: Color,
    pub warning: Color,
    pub bad: Color,
    pub highlight: Color,
    /// No colour at all (NO_COLOR): emphasis by reverse video, bold and
    /// underline only (see `view::theme`).
    pub monochrome: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    colors: toml::Table,
    #[serde(default)]
    options: OptionsFile,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OptionsFile {
    bell: Option<bool>,
    mouse: Option<bool>,
}

/// Everything the terminal UI reads from its configuration files.
#[derive(Debug, Clone)]
pub struct Config {
    pub keymap: Keymap,
    /// What the explain panel says.
    pub explain: Explanations,
    /// The words of the demo's guided tour.
    pub tour: super::tour::TourTexts,
    pub theme: Theme,
    pub prices: PriceTable,
    pub bell: bool,
    pub mouse: bool,
}

impl Config {
    /// The shipped defaults alone; they are checked by tests.
    pub fn defaults() -> Config {
        let mut config = Config {
            keymap: Keymap::defaults(),
            explain: Explanations::defaults(),
            tour: super::tour::TourTexts::defaults(),
            theme: Theme::fallback(),
            prices: PriceTable::published().unwrap_or_else(|_| PriceTable {
                as_of: "unknown".into(),
                region: "us-east-1".into(),
                currency: "USD".into(),
                tiers: Default::default(),
                storage: None,
            }),
            bell: true,
            mouse: false,
        };
        let _ = config.apply_theme(DEFAULT_THEME, "theme.toml");
        config
    }

    /// The defaults overridden by whatever files `dir` holds.
    pub fn load(dir: Option<&Path>) -> Result<Config, ConfigError> {
        let mut config = Config::defaults();
        let Some(dir) = dir else {
            return Ok(config);
        };
        if let Some((path, text)) = read_optional(&dir.join("keymap.toml"))? {
            config.keymap = Keymap::from_toml(&text, Some(&config.keymap), &path)?;
        }
        if let Some((path, text)) = read_optional(&dir.join("explain.toml"))? {
            config.explain = Explanations::from_toml(&text, Some(&config.explain), &path)?;
        }
        if let Some((path, text)) = read_optional(&dir.join("tour.toml"))? {
            config.tour = super::tour::TourTexts::from_toml(&text, Some(&config.tour), &path)?;
        }
        if let Some((path, text)) = read_optional(&dir.join("theme.toml"))? {
            config.apply_theme(&text, &path)?;
        }
        if let Some((path, text)) = read_optional(&dir.join("prices.toml"))? {
            config.prices = PriceTable::from_toml(&text).map_err(|err| ConfigError {
                file: path,
                line: None,
                key: None,
                message: err.to_string(),
            })?;
        }
        Ok(config)
    }

    fn apply_theme(&mut self, text: &str, file: &str) -> Result<(), ConfigError> {
        let parsed: ThemeFile =
            toml::from_str(text).map_err(|err| ConfigError::from_toml(file, text, &err))?;
        for (name, value) in &parsed.colors {
            let color = value
                .as_str()
                .and_then(|v| v.parse::<Color>().ok())
                .ok_or_else(|| {
                    ConfigError::at_key(
                        file,
                        text,
                        name,
                        "not a colour; write a name like cyan, or #rrggbb".into(),
                    )
                })?;
            let slot = match name.as_str() {
                "accent" => &mut self.theme.accent,
                "selection_fg" => &mut self.theme.selection_fg,
                "selection_bg" => &mut self.theme.selection_bg,
                "border" => &mut self.theme.border,
                "focus_border" => &mut self.theme.focus_border,
                "muted" => &mut self.theme.muted,
                "good" => &mut self.theme.good,
                "warning" => &mut self.theme.warning,
                "bad" => &mut self.theme.bad,
                "highlight" => &mut self.theme.highlight,
                _ => {
                    return Err(ConfigError::at_key(
                        file,
                        text,
                        name,
                        format!(
                            "'{name}' is not a colour of the theme; see the default theme.toml"
                        ),
                    ));
                }
            };
            *slot = color;
        }
        self.bell = parsed.options.bell.unwrap_or(self.bell);
        self.mouse = parsed.options.mouse.unwrap_or(self.mouse);
        Ok(())
    }
}

impl Theme {
    fn fallback() -> Theme {
        Theme {
            accent: Color::Cyan,
            selection_fg: Color::Black,
            selection_bg: Color::Cyan,
            border: Color::DarkGray,
            focus_border: Color::Cyan,
            muted: Color::DarkGray,
            good: Color::Green,
            warning: Color::Yellow,
            bad: Color::LightRed,
            highlight: Color::LightYellow,
            monochrome: false,
        }
    }
}

/// Whether colours may be used, as <https://no-color.org> asks: not when
/// `NO_COLOR` (given here, as read from the environment) is set and not empty.
pub fn colors_allowed(no_color: Option<&std::ffi::OsStr>) -> bool {
    no_color.is_none_or(|value| value.is_empty())
}

/// The file's path (as shown in errors) and text, or `None` when it does not exist.
/// Anything but a readable regular file there is refused: a FIFO would keep the
/// screen from starting until someone wrote to it.
fn read_optional(path: &Path) -> Result<Option<(String, String)>, ConfigError> {
    if std::fs::symlink_metadata(path).is_err_and(|err| err.kind() == ErrorKind::NotFound) {
        return Ok(None);
    }
    let input = InputPath {
        path,
        what: "",
        directory_fix: "remove it, or put the file in its place",
        accepts: Accepts::RegularFile,
    };
    let shown = printable(&path.display().to_string());
    match input.read_to_string() {
        Ok(text) => Ok(Some((shown, text))),
        Err(unusable) => Err(ConfigError {
            file: shown,
            line: None,
            key: None,
            message: format!("cannot be read: {}", unusable.problem),
        }),
    }
}

/// The platform's config directory for defrost (for example `~/.config/defrost`).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "defrost").map(|dirs| dirs.config_dir().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_are_valid() {
        let mut config = Config::defaults();
        config.apply_theme(DEFAULT_THEME, "theme.toml").unwrap();
        PriceTable::published().unwrap();
        assert!(config.bell);
        assert!(!config.mouse);
    }

    #[test]
    fn user_files_override_and_mistakes_name_file_line_and_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("theme.toml"),
            "[colors]\naccent = \"#ff8800\"\n[options]\nmouse = true\n",
        )
        .unwrap();
        let config = Config::load(Some(dir.path())).unwrap();
        assert_eq!(config.theme.accent, Color::Rgb(0xff, 0x88, 0x00));
        assert!(config.mouse);

        std::fs::write(
            dir.path().join("theme.toml"),
            "[colors]\n\naccent = \"mauve\"\n",
        )
        .unwrap();
        let err = Config::load(Some(dir.path())).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.key.as_deref(), Some("accent"));
        assert!(
            err.to_string().ends_with(
                "theme.toml line 3, key 'accent': not a colour; write a name like cyan, or #rrggbb"
            ),
            "{err}"
        );

        std::fs::write(
            dir.path().join("theme.toml"),
            "[options]\nbell = \"loud\"\n",
        )
        .unwrap();
        let err = Config::load(Some(dir.path())).unwrap_err();
        assert_eq!(err.line, Some(2), "{err}");
    }

    #[test]
    fn no_color_set_and_not_empty_turns_colours_off() {
        assert!(colors_allowed(None));
        assert!(colors_allowed(Some("".as_ref())));
        assert!(!colors_allowed(Some("1".as_ref())));
        assert!(!colors_allowed(Some("0".as_ref())));
        assert!(!Config::defaults().theme.monochrome);
    }

    #[test]
    fn a_missing_directory_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::load(Some(&dir.path().join("absent"))).unwrap();
        assert_eq!(config.theme, Config::defaults().theme);
    }
}
