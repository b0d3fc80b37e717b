//! JSONL framing and connections (stub).
