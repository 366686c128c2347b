//! LOCATION: street addresses, cities and countries.

use super::Cx;
use crate::Finding;

pub(crate) fn find(_cx: &Cx<'_>, _out: &mut Vec<Finding>) {}
