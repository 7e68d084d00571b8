"""Lambda handler sources that the patterns inline into their templates."""
