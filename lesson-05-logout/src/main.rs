fn main() { println!("lesson-05-logout: coming soon"); }
