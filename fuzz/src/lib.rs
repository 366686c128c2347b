//! Shared helpers for the fuzz targets (none yet).
