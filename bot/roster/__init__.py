"""The roster (procedure §3): who holds each standing role and unit post, their deputies, and the handover (移交)
of a seat. Loaded from the config (`sync`), changed in Slack (`service`)."""
