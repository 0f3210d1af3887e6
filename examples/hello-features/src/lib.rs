//! A bundled example for buildsys.
pub fn greeting() -> &'static str {
    "hello"
}
