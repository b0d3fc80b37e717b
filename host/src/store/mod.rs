//! Thread storage (stub).
