//! Stopping from the terminal: Ctrl-C (or SIGTERM) stops the servers with a bounded
//! grace for requests in flight, and a second one ends the process at once.

use std::io;
use std::time::Duration;

use super::Server;

/// How long requests in flight may take to finish once the server is told to stop: a few
/// seconds, far more than any answer of these lessons needs (a login at cost 12 takes a
/// quarter of a second), and short enough that whoever pressed Ctrl-C does not wonder
/// whether it worked. A request still unanswered then is cut.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// What stops a server from the terminal: Ctrl-C, and on Unix SIGTERM too (what `kill`,
/// systemd and `docker stop` send). The first one stops the servers with
/// [`SHUTDOWN_GRACE`]; a second one, while they stop, ends the process at once.
pub struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl StopSignal {
    /// Starts listening. From here on Ctrl-C no longer kills the process outright but
    /// stops it in order: call it before the banner says where the server listens.
    pub fn listen() -> io::Result<StopSignal> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(StopSignal {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(StopSignal {})
    }

    /// Waits for the signal, then shuts every server in `servers` down together (see
    /// [`Server::shutdown`]). A second signal meanwhile ends the process at once, with
    /// status 130, what a shell reports for a program ended by Ctrl-C.
    pub async fn wait_then_stop(mut self, servers: Vec<Server>) -> io::Result<()> {
        self.received().await;
        tracing::info!(
            "stopping: no new connections; requests in flight have {} s to finish \
             (Ctrl-C again to stop at once)",
            SHUTDOWN_GRACE.as_secs()
        );
        let stopping: Vec<_> = servers
            .into_iter()
            .map(|server| tokio::spawn(server.shutdown(SHUTDOWN_GRACE)))
            .collect();
        let all_stopped = async {
            for server in stopping {
                server
                    .await
                    .unwrap_or_else(|join| Err(io::Error::other(join)))?;
            }
            Ok(())
        };
        tokio::select! {
            stopped = all_stopped => stopped,
            () = self.received() => {
                tracing::warn!("stopping at once, without waiting for requests in flight");
                std::process::exit(130)
            }
        }
    }

    async fn received(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
