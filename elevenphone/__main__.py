"""``python -m elevenphone``: the command line (needs the ``cli`` extra)."""

from elevenphone.cli import main

if __name__ == "__main__":
    main()
