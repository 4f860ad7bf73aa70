"""A progress bar for long management commands."""

BAR_WIDTH = 30


def show_progress(stdout, done: int, total: int) -> None:
    """A bar on a terminal; nothing in a log, where the command's summary says it all."""
    if not stdout.isatty() or not total:
        return
    filled = BAR_WIDTH * done // total
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    stdout.write(f"\r[{bar}] {done}/{total}", ending="")
    stdout.flush()
