fn main() { println!("lesson-02-cookies: coming soon"); }
