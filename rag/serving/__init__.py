"""Serving many users and programs: the line of questions, the HTTP API and the MCP server."""
