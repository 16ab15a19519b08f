//! Where a story's servers run.
//!
//! In a test, every start binds a free port on 127.0.0.1 at once, and a restart gets a new
//! port. In a demo, each server keeps the address it first got (a free port, or
//! `--live`'s), and a restart the story asks for is held until its next step is played:
//! while the demo is paused after a step, the server that answered it still answers its
//! curl. With `--live`, the servers keep serving after the story, until Ctrl-C.

use std::sync::Mutex;
use std::time::Duration;

use axum::Router;
use common::Clock;
use common::serve::{Server, StopSignal};

use crate::live::{LiveOptions, Style, exit_with};

/// The story's main server ([`Story::start_server`](crate::Story::start_server)): the
/// others have the names a story gives them.
pub(crate) const MAIN: &str = "";

/// The servers of one story. Shared by the story and its clients (a client plays the held
/// restarts before its request), behind a `Mutex` that is never held across an `.await`.
pub(crate) struct Stage {
    /// Set in a demo: addresses are kept, restarts held, and both are printed.
    demo: Option<LiveOptions>,
    /// Every server started so far, in the order they first started.
    servers: Vec<Slot>,
    /// Starts (`Some`) and stops (`None`) held until the next step is played.
    held: Vec<(String, Option<Router>)>,
    /// The story's clock, and how far the story moved it since the last step played: in a
    /// demo, a move too waits for the next step, so that the curl of the step just shown
    /// gets, during the pause, the answer the demo showed.
    clock: Clock,
    held_clock: Duration,
}

struct Slot {
    name: String,
    /// What it binds: `127.0.0.1:0` in a test; in a demo, the address it first got.
    address: String,
    /// Where clients reach it, e.g. `http://127.0.0.1:3000`.
    url: String,
    running: Option<Server>,
}

impl Stage {
    pub(crate) fn new(demo: Option<LiveOptions>, clock: Clock) -> Self {
        Self {
            demo,
            servers: Vec::new(),
            held: Vec::new(),
            clock,
            held_clock: Duration::ZERO,
        }
    }

    /// Moves the story's clock `by`: at once in a test, with the next step in a demo.
    pub(crate) fn advance_clock(&mut self, by: Duration) {
        if self.demo.is_some() {
            self.held_clock += by;
        } else {
            self.clock.advance(by);
        }
    }

    /// Serves `routes` as server `name` and returns its URL. In a demo where that server
    /// has started before, this is a restart: it is held until the next step is played,
    /// on the same address.
    pub(crate) async fn start(stage: &Mutex<Self>, name: &str, routes: Router) -> String {
        {
            let mut this = stage.lock().unwrap();
            if this.demo.is_some()
                && let Some(url) = this.slot(name).map(|slot| slot.url.clone())
            {
                this.held.push((name.to_owned(), Some(routes)));
                return url;
            }
        }
        Self::bind(stage, name, routes).await
    }

    /// Stops server `name`, as Ctrl-C would: at once in a test, with the next step in a
    /// demo.
    pub(crate) async fn stop(stage: &Mutex<Self>, name: &str) {
        let running = {
            let mut this = stage.lock().unwrap();
            if this.demo.is_some() {
                this.held.push((name.to_owned(), None));
                return;
            }
            this.slot_mut(name).and_then(|slot| slot.running.take())
        };
        if let Some(server) = running {
            server.stop().await;
        }
    }

    /// The URL of server `name`, if it ever started.
    pub(crate) fn url(&self, name: &str) -> Option<String> {
        self.slot(name).map(|slot| slot.url.clone())
    }

    /// What the held restarts will do, for the prompt before the next step: "the server
    /// restarts", "servers A and B restart".
    pub(crate) fn held_summary(&self) -> Option<String> {
        let mut restarting: Vec<&str> = Vec::new();
        let mut stopping: Vec<&str> = Vec::new();
        for (index, (name, routes)) in self.held.iter().enumerate() {
            // What happens to a server is what was asked of it last.
            if self.held[index + 1..]
                .iter()
                .any(|(later, _)| later == name)
            {
                continue;
            }
            if routes.is_some() {
                restarting.push(name);
            } else {
                stopping.push(name);
            }
        }
        let phrases: Vec<String> = [(restarting, "restart"), (stopping, "stop")]
            .into_iter()
            .filter(|(names, _)| !names.is_empty())
            .map(|(names, verb)| servers_do(&names, verb))
            .collect();
        (!phrases.is_empty()).then(|| phrases.join(", "))
    }

    /// Plays the held restarts and stops, in order: called just before a step is sent,
    /// after the pause in front of it. `shown`: the demo prints them with the step.
    pub(crate) async fn play_held(stage: &Mutex<Self>, shown: bool) {
        let (held, demo) = {
            let mut this = stage.lock().unwrap();
            let ahead = std::mem::take(&mut this.held_clock);
            if !ahead.is_zero() {
                this.clock.advance(ahead);
            }
            (std::mem::take(&mut this.held), this.demo.clone())
        };
        for (name, routes) in held {
            let what = match routes {
                Some(routes) => {
                    Self::bind(stage, &name, routes).await;
                    "restart"
                }
                None => {
                    let running = stage
                        .lock()
                        .unwrap()
                        .slot_mut(&name)
                        .and_then(|slot| slot.running.take());
                    if let Some(server) = running {
                        server.stop().await;
                    }
                    "stop"
                }
            };
            if let Some(demo) = demo.as_ref().filter(|_| shown) {
                let sentence = capitalized(&servers_do(&[&name], what));
                let line = match what {
                    "restart" => format!("↻ {sentence}, on the same address.\n"),
                    _ => format!("■ {sentence}.\n"),
                };
                demo.print(Style::Note, &line);
            }
        }
    }

    /// Ends the story's serving: plays what is held (`shown`: printed), then stops every
    /// server; with `--live`, only once Ctrl-C is pressed.
    pub(crate) async fn finish(stage: &Mutex<Self>, shown: bool) {
        Self::play_held(stage, shown).await;
        let (servers, demo) = {
            let mut this = stage.lock().unwrap();
            let servers: Vec<(String, String, Server)> = this
                .servers
                .iter_mut()
                .filter_map(|slot| {
                    let server = slot.running.take()?;
                    Some((slot.name.clone(), slot.url.clone(), server))
                })
                .collect();
            (servers, this.demo.clone())
        };
        if let Some(demo) = demo.filter(|demo| demo.live.is_some())
            && !servers.is_empty()
        {
            // Ctrl-C stops the servers in order from here on (and a second one at once).
            // Not before: during the story it ends the demo as it ends any program.
            if let Ok(stop) = StopSignal::listen() {
                let addresses: Vec<String> = servers
                    .iter()
                    .map(|(name, url, _)| match name.as_str() {
                        MAIN => url.clone(),
                        name => format!("{name} on {url}"),
                    })
                    .collect();
                let (its, serves) = match servers.len() {
                    1 => ("Its server keeps", "serving on"),
                    _ => ("Its servers keep", "serving:"),
                };
                demo.print(
                    Style::Note,
                    &format!(
                        "\nThe story is over. {its} {serves} {}, so every curl above can be \
                         replayed, from any terminal. Stop with Ctrl-C.\n",
                        addresses.join(", ")
                    ),
                );
                let servers = servers.into_iter().map(|(_, _, server)| server).collect();
                let _ = stop.wait_then_stop(servers).await;
                return;
            }
        }
        for (_, _, server) in servers {
            server.stop().await;
        }
    }

    /// Starts server `name` now, on its address, after stopping what runs under that name.
    async fn bind(stage: &Mutex<Self>, name: &str, routes: Router) -> String {
        let (address, old, first, demo) = {
            let mut this = stage.lock().unwrap();
            let address = this.address_for(name);
            let old = this.slot_mut(name).and_then(|slot| slot.running.take());
            let first = this.slot(name).is_none();
            (address, old, first, this.demo.clone())
        };
        if let Some(old) = old {
            old.stop().await;
        }
        let server = match Server::start(&address, routes).await {
            Ok(server) => server,
            Err(error) if demo.as_ref().is_some_and(|demo| demo.live.is_some()) => {
                exit_with(&format!(
                    "cannot listen on {address}: {error} (is a lesson's server or another \
                     demo still running? pick another port with --port N)"
                ))
            }
            Err(error) => panic!("the story's server cannot listen on {address}: {error}"),
        };
        let bound = server.url.trim_start_matches("http://").to_owned();
        let url = reachable_url(&bound);
        if first && let Some(demo) = demo.as_ref().filter(|demo| demo.live.is_some()) {
            let who = capitalized(&servers_do(&[name], "listen"));
            let mut line = format!("▸ {who} on {url}, on the real clock.");
            if bound != url.trim_start_matches("http://") {
                line.push_str(&format!(
                    " It takes connections on {bound}: from another machine, use this \
                     machine's address in place of 127.0.0.1 in the curls."
                ));
            }
            demo.print(Style::Note, &format!("{line}\n"));
        }
        let mut this = stage.lock().unwrap();
        let demo = this.demo.is_some();
        match this.slot_mut(name) {
            Some(slot) => {
                slot.url = url.clone();
                slot.running = Some(server);
            }
            None => this.servers.push(Slot {
                name: name.to_owned(),
                // A demo keeps the address it got; a test takes a new free port each time.
                address: if demo { bound } else { address },
                url: url.clone(),
                running: Some(server),
            }),
        }
        url
    }

    /// The address server `name` binds: the one it had; a new one in order with
    /// `--live`; else a free port.
    fn address_for(&self, name: &str) -> String {
        if let Some(slot) = self.slot(name) {
            return slot.address.clone();
        }
        match self.demo.as_ref().and_then(|demo| demo.live.as_ref()) {
            Some(live) => live.address(self.servers.len()),
            None => "127.0.0.1:0".to_owned(),
        }
    }

    fn slot(&self, name: &str) -> Option<&Slot> {
        self.servers.iter().find(|slot| slot.name == name)
    }

    fn slot_mut(&mut self, name: &str) -> Option<&mut Slot> {
        self.servers.iter_mut().find(|slot| slot.name == name)
    }
}

/// The URL a client uses for a server bound to `bound`: a server that takes connections on
/// every address (`0.0.0.0`, `::`) is reached on this machine through loopback.
fn reachable_url(bound: &str) -> String {
    match bound.parse::<std::net::SocketAddr>() {
        Ok(address) if address.ip().is_unspecified() => {
            let loopback = match address {
                std::net::SocketAddr::V4(_) => "127.0.0.1",
                std::net::SocketAddr::V6(_) => "[::1]",
            };
            format!("http://{loopback}:{}", address.port())
        }
        _ => format!("http://{bound}"),
    }
}

/// "the server restarts", "server A stops", "servers A and B restart".
fn servers_do(names: &[&str], verb: &str) -> String {
    match names {
        [MAIN] => format!("the server {verb}s"),
        [name] => format!("server {name} {verb}s"),
        [first @ .., last] => {
            let first: Vec<&str> = first.iter().map(|name| display(name)).collect();
            format!("servers {} and {} {verb}", first.join(", "), display(last))
        }
        [] => String::new(),
    }
}

fn display(name: &str) -> &str {
    if name == MAIN { "main" } else { name }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_held_restarts_do_is_said_in_a_few_words() {
        let routes = Router::new;
        let mut stage = Stage::new(Some(LiveOptions::default()), Clock::system());
        assert_eq!(stage.held_summary(), None);
        stage.held = vec![(MAIN.into(), None), (MAIN.into(), Some(routes()))];
        assert_eq!(stage.held_summary().unwrap(), "the server restarts");
        stage.held = vec![("A".into(), Some(routes())), ("B".into(), Some(routes()))];
        assert_eq!(stage.held_summary().unwrap(), "servers A and B restart");
        stage.held = vec![("A".into(), None)];
        assert_eq!(stage.held_summary().unwrap(), "server A stops");
    }

    #[test]
    fn a_server_on_every_address_is_reached_through_loopback() {
        assert_eq!(reachable_url("0.0.0.0:3000"), "http://127.0.0.1:3000");
        assert_eq!(reachable_url("[::]:3000"), "http://[::1]:3000");
        assert_eq!(reachable_url("127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(
            reachable_url("192.168.1.20:3000"),
            "http://192.168.1.20:3000"
        );
    }
}
