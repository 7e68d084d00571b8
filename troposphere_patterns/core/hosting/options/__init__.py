"""The hosting options a caller sets (alarms, rollout, capture, async, serverless, scaling)."""
