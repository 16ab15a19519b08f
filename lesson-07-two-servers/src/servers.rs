//! The two servers: what they must share, and what changes when the secret does.
//!
//! A load balancer sends each request to whichever server is free, so a browser that
//! logged in on A may ask B next. Whatever decides *who is logged in* must therefore be
//! the same on both: the secret that seals cookies (lessons 03–05) and the database that
//! holds users and sessions (lesson 06). Only what keeps two processes apart on one
//! machine may differ: the port.
//!
//! (This module is the lesson's warm-up exercise, `exercises/1_servers.rs`.)

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

    /// The config this server runs with, made from the deployment's `shared` one: the
    /// same secrets and the same database, and A on `PORT`, B on `PORT`+1. Port 0 ("any
    /// free port", in tests) stays 0 for both.
    pub fn config(self, shared: &Config) -> Config {
        // A copy of everything: the secret, the retired secrets, the database URL. A
        // setting that one server got and the other did not is the classic way to log
        // users out at random (the story's part 2).
        let mut config = shared.clone();
        if self == Server::B && shared.port != 0 {
            config.port = shared.port + 1;
        }
        config
    }
}

/// The deployment's config after its secret is rotated to `new_key`: the new key seals
/// every cookie from now on, and the old one becomes the newest retired key, so that the
/// cookies it sealed still open (and are sealed again with the new key as they come in).
pub fn rotated(config: &Config, new_key: Key) -> Config {
    let mut rotated = config.clone();
    // Newest first: most cookies still in use were sealed with the key just retired.
    rotated
        .previous_cookie_keys
        .insert(0, config.cookie_key.clone());
    rotated.cookie_key = new_key;
    rotated
}
