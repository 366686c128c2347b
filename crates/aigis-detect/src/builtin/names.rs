//! PERSON: person names from gazetteers, capitalization, titles and context.

use super::Cx;
use crate::Finding;

pub(crate) fn find(_cx: &Cx<'_>, _out: &mut Vec<Finding>) {}
