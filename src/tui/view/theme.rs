//! How the theme's colours become styles. Every pane asks here, so a monochrome
//! theme (NO_COLOR) draws no colour anywhere: what colour marked is marked by
//! reverse video, bold or underline instead, so the focused pane, the selection
//! and the chosen plan's nodes stay visible on any terminal.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::config::Theme;

impl Theme {
    /// Text in one of the theme's colours. Without colours it is plain: such a
    /// colour only sets text apart (muted details, a status word that says
    /// itself), and the words carry the meaning.
    pub fn text(&self, color: Color) -> Style {
        if self.monochrome {
            Style::default()
        } else {
            Style::default().fg(color)
        }
    }

    /// Text that must stand out: in `color`, or with `modifier` without colours.
    pub fn marked(&self, color: Color, modifier: Modifier) -> Style {
        if self.monochrome {
            Style::default().add_modifier(modifier)
        } else {
            Style::default().fg(color)
        }
    }

    /// The selected row or item.
    pub fn selection(&self) -> Style {
        self.on(self.selection_fg, self.selection_bg)
    }

    /// Text on a coloured ground (the title badge, the keys in the status bar,
    /// a lit plan node): reverse video without colours.
    pub fn on(&self, fg: Color, bg: Color) -> Style {
        if self.monochrome {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().fg(fg).bg(bg)
        }
    }

    /// A pane's border: the focus colour when it has the focus; bold without
    /// colours.
    pub fn border(&self, focused: bool) -> Style {
        match (self.monochrome, focused) {
            (true, true) => Style::default().add_modifier(Modifier::BOLD),
            (true, false) => Style::default(),
            (false, true) => Style::default().fg(self.focus_border),
            (false, false) => Style::default().fg(self.border),
        }
    }

    /// A pane's title: bold when it has the focus, and in reverse video too
    /// without colours, since a bold border alone is easy to miss.
    pub fn title(&self, focused: bool) -> Style {
        match (self.monochrome, focused) {
            (_, false) => Style::default(),
            (false, true) => Style::default().add_modifier(Modifier::BOLD),
            (true, true) => Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        }
    }
}
