fn main() {
    println!("{}", hello_features::greeting());
}
