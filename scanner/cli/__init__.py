"""The command line: argument parsing, the subcommands and the console entry point."""
