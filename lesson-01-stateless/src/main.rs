fn main() { println!("lesson-01-stateless: coming soon"); }
