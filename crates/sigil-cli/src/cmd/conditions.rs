use crate::Failure;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the hex hashOfConditions of a JSON conditions document.
    Hash {
        /// File to read, or - for stdin.
        file: Option<String>,
    },
}

pub fn run(_command: Command) -> Result<(), Failure> {
    Err(anyhow::anyhow!("not implemented yet").into())
}
