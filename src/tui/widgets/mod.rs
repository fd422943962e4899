//! Reusable, pane-agnostic drawing pieces.

pub mod frame;
pub mod path_view;
pub mod text;
pub mod virtual_list;
