"""Overview: what a person sees of the whole — App Home, `/crisis list`, `/crisis status`, `/crisis help`."""
