"""Letting the csv module write through a command's stdout."""


class CommandOutput:
    """A file-like object writing through a command's OutputWrapper without adding endings."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")
