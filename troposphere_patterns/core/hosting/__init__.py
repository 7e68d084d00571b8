"""The SageMaker side of a pattern, owned end to end: its rules, options and builders."""
