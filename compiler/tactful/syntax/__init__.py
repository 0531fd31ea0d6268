"""Reading .tact source: the grammar, the parser (the only Lark user) and the AST it builds."""
