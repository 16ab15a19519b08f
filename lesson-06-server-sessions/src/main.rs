fn main() { println!("lesson-06-server-sessions: coming soon"); }
