//! Warm-up 07-1 · The two servers: what they must share, and what changes when the
//! secret does.
//!
//! With `--features 07-1-servers` this file replaces `src/servers.rs`: the story then
//! makes the configs of servers A and B with *your* `Server::config`, and rotates the
//! secret with *your* `rotated`. Everything else in the lesson stays as it is. Check your
//! work with `cargo course check 07-1-servers`.
//!
//! What you have to work with: `common::Config` (common/src/config.rs), the settings of
//! one server, read from `.env` and the environment. Its fields say what each setting is.

// While the `todo!()`s stand, the compiler would warn that the parameters and the import
// are unused. This keeps it quiet meanwhile; delete it when done.
#![allow(unused_variables, unused_imports)]

use axum_extra::extract::cookie::Key;
use common::Config;

/// One of the two servers behind the load balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    A,
    B,
}

impl Server {
    pub const BOTH: [Server; 2] = [Server::A, Server::B];

    pub fn name(self) -> &'static str {
        match self {
            Server::A => "A",
            Server::B => "B",
        }
    }

    /// The config this server runs with, made from the deployment's `shared` one.
    pub fn config(self, shared: &Config) -> Config {
        // TODO 1: The load balancer may send any request to either server, so whatever
        //         decides who is logged in must be the same on both. Go through the
        //         settings: which ones does that cover? Keep them exactly as the
        //         deployment has them.
        //
        // TODO 2: The two servers run on one machine here, so they cannot listen on the
        //         same port: A listens on the deployment's port, B on the next one. Port
        //         0 means "any free port" (the tests use it) and stays 0 for both.
        //
        //         Think about it: B gets a SESSION_SECRET of its own. What happens to a
        //         user whose requests go to A, then B, then A? (The story's part 2.)
        todo!(
            "07-1: server {}'s config, from the deployment's",
            self.name()
        )
    }
}

/// The deployment's config after its secret is rotated to `new_key`.
pub fn rotated(config: &Config, new_key: Key) -> Config {
    // TODO 3: From now on, cookies are sealed with the new key. The key being replaced
    //         must still open the cookies it sealed, or every user is logged out at once:
    //         it joins the retired keys, first in line, since most cookies in use were
    //         sealed with it. Keys retired before it stay, after it. Nothing else changes.
    //
    //         Think about it: when can the old key be removed from the retired ones, and
    //         whose sessions end when it is?
    todo!("07-1: the config after the rotation")
}
