"""Call-site analysis: libcst module -> call sites with resolved arguments, and what rules read from them."""
