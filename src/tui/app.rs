//! The run loop: terminal events, results of work and timers become messages;
//! `update` decides; `view` draws. The screen is redrawn only after a message,
//! and the loop sleeps until the next one, so an idle screen costs nothing.

use std::io::Write as _;
use std::time::Duration;

use base64::Engine as _;
use crossterm::event::{self, Event};
use ratatui::DefaultTerminal;
use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::config::colors_allowed;
use super::model::Model;
use super::msg::{Cmd, Msg};
use super::runtime::Runtime;
use super::update::{next_wake, start, update};
use super::view::draw;
use crate::glacier::GlacierApi;

/// Runs the screen until the user quits. The terminal is given back completely
/// on every way out, panics included: raw mode off, the alternate screen left,
/// mouse capture off and the cursor shown.
pub async fn run_screen<G: GlacierApi + 'static>(
    mut model: Model,
    runtime_parts: RuntimeParts<G>,
) -> anyhow::Result<()> {
    if !colors_allowed(std::env::var_os("NO_COLOR").as_deref()) {
        model.config.theme.monochrome = true;
    }
    // `ratatui::init` takes raw mode and the alternate screen and installs a
    // panic hook that gives them back; ours runs before it for the rest.
    let mut terminal = ratatui::init();
    give_back_on_panic();
    if model.config.mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    }
    tracing::info!(
        "the screen opened ({}, mouse {})",
        if model.config.theme.monochrome {
            "no colours"
        } else {
            "colours"
        },
        if model.config.mouse { "on" } else { "off" }
    );
    // For tests only: the terminal test of a panic (tests/screen_terminal.rs) sets
    // this to see the terminal given back by a screen that has taken it over.
    if std::env::var_os("DEFROST_TEST_PANIC").is_some_and(|value| value == "1") {
        panic_on_purpose();
    }
    let outcome = event_loop(&mut terminal, &mut model, runtime_parts).await;
    give_back();
    outcome
}

#[expect(clippy::panic, reason = "the terminal test of a panic needs one")]
fn panic_on_purpose() {
    panic!("DEFROST_TEST_PANIC=1: the screen panics on purpose");
}

/// What the screen changed besides raw mode and the alternate screen, undone.
/// Mouse capture is turned off whether or not it was on: the sequence is
/// harmless, and a configuration is not needed to know it.
fn give_back_extras() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::cursor::Show
    );
}

fn give_back() {
    give_back_extras();
    ratatui::restore();
}

/// On a panic, anywhere: the log notes it, the extras are undone, then the hook
/// `ratatui::init` installed leaves raw mode and the alternate screen and hands
/// on to the one before it, which prints the message on the main screen. The
/// hook stays after the screen closes: giving back a terminal twice is harmless.
fn give_back_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("the screen stopped on a panic: {info}");
        give_back_extras();
        previous(info);
    }));
}

/// What the loop needs besides the model: the runtime and its result channel.
pub struct RuntimeParts<G: GlacierApi + 'static> {
    pub runtime: Runtime<G>,
    pub sender: UnboundedSender<Msg>,
    pub receiver: UnboundedReceiver<Msg>,
}

impl<G: GlacierApi + 'static> RuntimeParts<G> {
    pub fn new(make: impl FnOnce(UnboundedSender<Msg>) -> Runtime<G>) -> RuntimeParts<G> {
        let (sender, receiver) = unbounded_channel();
        RuntimeParts {
            runtime: make(sender.clone()),
            sender,
            receiver,
        }
    }
}

async fn event_loop<G: GlacierApi + 'static>(
    terminal: &mut DefaultTerminal,
    model: &mut Model,
    parts: RuntimeParts<G>,
) -> anyhow::Result<()> {
    let RuntimeParts {
        runtime,
        sender,
        mut receiver,
    } = parts;
    spawn_input(sender);
    let size = terminal.size()?;
    let now = OffsetDateTime::now_utc();
    update(
        model,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
        now,
    );
    let first = start(model);
    perform(&runtime, first);
    terminal.draw(|frame| draw(frame, model))?;
    while !model.quit {
        let wait = next_wake(model)
            .map(|at| Duration::try_from(at - OffsetDateTime::now_utc()).unwrap_or(Duration::ZERO));
        let msg = match wait {
            Some(wait) => match tokio::time::timeout(wait, receiver.recv()).await {
                Ok(Some(msg)) => msg,
                Ok(None) => break,
                Err(_) => Msg::Tick,
            },
            None => match receiver.recv().await {
                Some(msg) => msg,
                None => break,
            },
        };
        let cmds = update(model, msg, OffsetDateTime::now_utc());
        perform(&runtime, cmds);
        // Answers that arrived meanwhile are taken before drawing, so a burst of
        // results costs one frame.
        while let Ok(msg) = receiver.try_recv() {
            let cmds = update(model, msg, OffsetDateTime::now_utc());
            perform(&runtime, cmds);
        }
        terminal.draw(|frame| draw(frame, model))?;
    }
    Ok(())
}

fn perform<G: GlacierApi + 'static>(runtime: &Runtime<G>, cmds: Vec<Cmd>) {
    for cmd in cmds {
        match cmd {
            Cmd::Bell => ring(),
            Cmd::CopyToClipboard(text) => copy_osc52(&text),
            Cmd::Quit => {}
            other => runtime.run(other),
        }
    }
}

/// Reads the terminal on its own thread: crossterm's reads block.
fn spawn_input(sender: UnboundedSender<Msg>) {
    std::thread::Builder::new()
        .name("defrost-input".into())
        .spawn(move || {
            loop {
                let msg = match event::read() {
                    Ok(Event::Key(key)) => Msg::Key(key),
                    Ok(Event::Mouse(mouse)) => Msg::Mouse(mouse),
                    Ok(Event::Resize(width, height)) => Msg::Resize { width, height },
                    Ok(_) => continue,
                    Err(_) => return,
                };
                if sender.send(msg).is_err() {
                    return;
                }
            }
        })
        .ok();
}

fn ring() {
    let mut out = std::io::stdout();
    let _ = out.write_all(b"\x07");
    let _ = out.flush();
}

/// OSC 52 asks the terminal itself to set the clipboard, which works over SSH
/// and needs no clipboard program on this machine.
fn copy_osc52(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}
