"""Architecture pictures drawn from a CloudFormation template itself.

``architecture`` reads any template (JSON or YAML with CloudFormation's short-form tags) into
nodes, groups and edges; ``mermaid`` writes that as Mermaid text; ``drawing`` lays it out with
networkx and draws SVG with matplotlib (the optional ``diagram`` extra). ``command`` is the
``troposphere-patterns diagram`` subcommand. Nothing here is imported by the patterns.
"""
