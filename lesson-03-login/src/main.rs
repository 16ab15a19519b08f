fn main() { println!("lesson-03-login: coming soon"); }
