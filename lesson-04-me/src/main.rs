fn main() { println!("lesson-04-me: coming soon"); }
