//! Output faults applied to a job-output body as it streams: a body cut short by an
//! error (the client sees a short read), a body that goes quiet with the
//! connection open (the client sees no more bytes, nor an end), and bytes XORed
//! in place.

use std::io;
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt, stream};

/// What to do to one download. `drop_after` counts bytes of the body; flip offsets
/// are positions in the job's output, so a flip lands on the same byte whichever
/// range of the output a client asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFaults {
    /// Where in the output this body starts.
    pub body_start: u64,
    pub drop_after: Option<u64>,
    /// Bytes of the body sent before it goes quiet.
    pub stall_after: Option<u64>,
    /// `(offset in the output, xor)`.
    pub flips: Vec<(u64, u8)>,
}

impl OutputFaults {
    pub fn none(body_start: u64) -> Self {
        Self {
            body_start,
            drop_after: None,
            stall_after: None,
            flips: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.drop_after.is_none() && self.stall_after.is_none() && self.flips.is_empty()
    }

    /// The body with these faults; the same stream, untouched, when there are none.
    pub fn apply<S>(self, body: S) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        if self.is_empty() {
            return body.left_stream();
        }
        let state = Faulty {
            body: Box::pin(body),
            position: 0,
            faults: self,
            finished: false,
        };
        stream::unfold(state, Faulty::next_item).right_stream()
    }
}

/// Ample time for a loopback peer to receive what was sent before a drop; a drop
/// is rare, so a generous pause costs nothing.
const FLUSH_GRACE: Duration = Duration::from_millis(250);

struct Faulty<S> {
    body: Pin<Box<S>>,
    /// Bytes of the body sent so far.
    position: u64,
    faults: OutputFaults,
    finished: bool,
}

impl<S> Faulty<S>
where
    S: Stream<Item = io::Result<Bytes>> + Send + 'static,
{
    async fn next_item(mut self) -> Option<(io::Result<Bytes>, Self)> {
        if self.finished {
            return None;
        }
        if self.faults.drop_after == Some(self.position) {
            self.finished = true;
            // The server drops the connection as soon as the body fails, discarding
            // what it has not yet written; a pause first lets the headers and the
            // bytes before the cut reach the client, which then reads a short body.
            tokio::time::sleep(FLUSH_GRACE).await;
            return Some((Err(dropped(self.position)), self));
        }
        if self.faults.stall_after == Some(self.position) {
            // Nothing more, ever: the server drops this stream only when the
            // client, tired of waiting, closes the connection.
            std::future::pending::<()>().await;
        }
        match self.body.next().await? {
            Ok(bytes) => {
                let bytes = self.shape(bytes);
                Some((Ok(bytes), self))
            }
            Err(err) => {
                self.finished = true;
                Some((Err(err), self))
            }
        }
    }

    /// Cuts the piece at the drop or stall point and flips the bytes it holds.
    fn shape(&mut self, mut bytes: Bytes) -> Bytes {
        if let Some(cut) = self.faults.drop_after.or(self.faults.stall_after) {
            let room = cut.saturating_sub(self.position);
            if (bytes.len() as u64) > room {
                bytes.truncate(room as usize);
            }
        }
        let start = self.faults.body_start + self.position;
        let end = start + bytes.len() as u64;
        let inside: Vec<(usize, u8)> = self
            .faults
            .flips
            .iter()
            .filter(|(offset, _)| (start..end).contains(offset))
            .map(|(offset, xor)| ((offset - start) as usize, *xor))
            .collect();
        self.position += bytes.len() as u64;
        if inside.is_empty() {
            return bytes;
        }
        // Only a piece holding a flipped byte is copied; the rest stay zero-copy.
        let mut copy = BytesMut::from(&bytes[..]);
        for (index, xor) in inside {
            copy[index] ^= xor;
        }
        copy.freeze()
    }
}

fn dropped(after: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        format!("an injected fault dropped the connection after {after} bytes of the body"),
    )
}
