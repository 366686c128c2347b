//! Tampering, damage and crashes.
