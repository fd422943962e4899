//! Read a project folder: walk it, recognise each file by content, and turn it into `RawProject`
//! plus `LOAD` findings. Never panics; one bad file never hides the good ones; never resolves
//! references (that is `model::build`).

pub mod raw;

pub use raw::RawProject;
