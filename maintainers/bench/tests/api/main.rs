//! The load generator and the reference servers, each against real servers on 127.0.0.1.

mod load;
mod reference;
