use crate::Failure;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> Result<(), Failure> {
    Err(anyhow::anyhow!("not implemented yet").into())
}
