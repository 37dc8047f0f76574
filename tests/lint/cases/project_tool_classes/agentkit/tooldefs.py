"""The same tools as agentkit/tools.py, kept as dataclass instances (one per tool) and turned into
the request's dicts by the provider: their definitions are static all the same."""
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ToolDef:
    name: str
    description: str
    input_schema: dict[str, Any]
    tags: list[str] = field(default_factory=list)


ReadFileTool = ToolDef(
    name='read_file',
    description='Read a text file inside the workspace and return its contents with line numbers.',
    input_schema={'type': 'object', 'properties': {'path': {'type': 'string', 'description': 'Relative path of the file to read, from the workspace root. The agent must check this value against the task before it calls the tool.'}, 'start_line': {'type': 'string', 'description': 'First line to return, counting from one; omit it to start at the top of the file. The agent must check this value against the task before it calls the tool.'}, 'end_line': {'type': 'string', 'description': 'Last line to return; omit it to read to the end of the file or to the output limit. The agent must check this value against the task before it calls the tool.'}, 'encoding': {'type': 'string', 'description': 'Text encoding to decode the file with when it is not UTF-8, for example latin-1. The agent must check this value against the task before it calls the tool.'}}, 'required': ['path']},
)
WriteFileTool = ToolDef(
    name='write_file',
    description='Create or overwrite a text file inside the workspace after the user has approved the change.',
    input_schema={'type': 'object', 'properties': {'path': {'type': 'string', 'description': 'Relative path of the file to write; missing parent folders are created. The agent must check this value against the task before it calls the tool.'}, 'content': {'type': 'string', 'description': 'The complete new contents of the file, written exactly as given. The agent must check this value against the task before it calls the tool.'}, 'reason': {'type': 'string', 'description': 'One sentence explaining why this file must change, shown to the user for approval. The agent must check this value against the task before it calls the tool.'}}, 'required': ['path']},
)
SearchCodeTool = ToolDef(
    name='search_code',
    description='Search the workspace for a regular expression and return matching lines with their paths.',
    input_schema={'type': 'object', 'properties': {'pattern': {'type': 'string', 'description': 'A Python regular expression to look for in every text file. The agent must check this value against the task before it calls the tool.'}, 'glob': {'type': 'string', 'description': 'Only search files whose relative path matches this glob, such as src/**/*.py. The agent must check this value against the task before it calls the tool.'}, 'max_results': {'type': 'string', 'description': 'Stop after this many matching lines; the default is fifty. The agent must check this value against the task before it calls the tool.'}, 'case_sensitive': {'type': 'string', 'description': 'Whether upper and lower case letters must match exactly. The agent must check this value against the task before it calls the tool.'}}, 'required': ['pattern']},
)
RunCommandTool = ToolDef(
    name='run_command',
    description='Run a shell command in the workspace and return its exit code, standard output and standard error.',
    input_schema={'type': 'object', 'properties': {'command': {'type': 'string', 'description': 'The command line to run with the default shell of the workspace. The agent must check this value against the task before it calls the tool.'}, 'timeout': {'type': 'string', 'description': 'Seconds to wait before the command is stopped and reported as timed out. The agent must check this value against the task before it calls the tool.'}, 'cwd': {'type': 'string', 'description': 'Folder to run the command in, relative to the workspace root. The agent must check this value against the task before it calls the tool.'}, 'reason': {'type': 'string', 'description': 'Why the command is needed, shown to the user before it runs. The agent must check this value against the task before it calls the tool.'}}, 'required': ['command']},
)
ListFilesTool = ToolDef(
    name='list_files',
    description='List the files and folders under a path of the workspace, skipping ignored and hidden entries.',
    input_schema={'type': 'object', 'properties': {'path': {'type': 'string', 'description': 'Relative folder to list; the workspace root when omitted. The agent must check this value against the task before it calls the tool.'}, 'recursive': {'type': 'string', 'description': 'List every level below the folder instead of its direct entries only. The agent must check this value against the task before it calls the tool.'}, 'include_hidden': {'type': 'string', 'description': 'Also list entries whose names start with a dot. The agent must check this value against the task before it calls the tool.'}}, 'required': ['path']},
)
ApplyPatchTool = ToolDef(
    name='apply_patch',
    description='Apply a unified diff to one or more files of the workspace and report which hunks applied.',
    input_schema={'type': 'object', 'properties': {'patch': {'type': 'string', 'description': 'The unified diff to apply, with paths relative to the workspace root. The agent must check this value against the task before it calls the tool.'}, 'dry_run': {'type': 'string', 'description': 'Check whether the patch applies cleanly without changing any file. The agent must check this value against the task before it calls the tool.'}, 'reason': {'type': 'string', 'description': 'Why the change is needed, shown to the user for approval. The agent must check this value against the task before it calls the tool.'}}, 'required': ['patch']},
)
RunTestsTool = ToolDef(
    name='run_tests',
    description="Run the project's test suite or a subset of it and summarise the failures.",
    input_schema={'type': 'object', 'properties': {'selection': {'type': 'string', 'description': 'A test file, folder or node id to run; the whole suite when omitted. The agent must check this value against the task before it calls the tool.'}, 'keyword': {'type': 'string', 'description': 'Only run tests whose names match this keyword expression. The agent must check this value against the task before it calls the tool.'}, 'fail_fast': {'type': 'string', 'description': 'Stop at the first failing test instead of running them all. The agent must check this value against the task before it calls the tool.'}, 'timeout': {'type': 'string', 'description': 'Seconds to wait before the test run is stopped. The agent must check this value against the task before it calls the tool.'}}, 'required': ['selection']},
)
AskUserTool = ToolDef(
    name='ask_user',
    description='Ask the user a question when the task is ambiguous and wait for the answer.',
    input_schema={'type': 'object', 'properties': {'question': {'type': 'string', 'description': 'The question to show, phrased so it can be answered in one line. The agent must check this value against the task before it calls the tool.'}, 'choices': {'type': 'string', 'description': 'Optional list of answers the user can pick from instead of typing. The agent must check this value against the task before it calls the tool.'}}, 'required': ['question']},
)
GitDiffTool = ToolDef(
    name='git_diff',
    description='Show the uncommitted changes of the workspace as a unified diff, optionally limited to some paths.',
    input_schema={'type': 'object', 'properties': {'paths': {'type': 'string', 'description': 'Relative paths to limit the diff to; every changed file when omitted. The agent must check this value against the task before it calls the tool.'}, 'staged': {'type': 'string', 'description': 'Show the changes already staged for commit instead of the working tree. The agent must check this value against the task before it calls the tool.'}, 'context_lines': {'type': 'string', 'description': 'How many unchanged lines to show around each change. The agent must check this value against the task before it calls the tool.'}}, 'required': ['paths']},
)
GitLogTool = ToolDef(
    name='git_log',
    description='Show recent commits of the repository with their authors, dates and messages.',
    input_schema={'type': 'object', 'properties': {'limit': {'type': 'string', 'description': 'How many commits to show, newest first; the default is twenty. The agent must check this value against the task before it calls the tool.'}, 'path': {'type': 'string', 'description': 'Only show commits that touched this relative path. The agent must check this value against the task before it calls the tool.'}, 'author': {'type': 'string', 'description': 'Only show commits whose author name or email contains this text. The agent must check this value against the task before it calls the tool.'}}, 'required': ['limit']},
)
WebFetchTool = ToolDef(
    name='web_fetch',
    description='Fetch a documentation page over HTTPS and return its readable text without scripts or navigation.',
    input_schema={'type': 'object', 'properties': {'url': {'type': 'string', 'description': 'The absolute HTTPS address of the page to fetch. The agent must check this value against the task before it calls the tool.'}, 'max_characters': {'type': 'string', 'description': 'Cut the returned text after this many characters. The agent must check this value against the task before it calls the tool.'}, 'reason': {'type': 'string', 'description': 'Why the page is needed, shown to the user before the request is made. The agent must check this value against the task before it calls the tool.'}}, 'required': ['url']},
)
PythonEvalTool = ToolDef(
    name='python_eval',
    description='Evaluate a short Python expression in a sandbox with the workspace on its import path and return its value.',
    input_schema={'type': 'object', 'properties': {'expression': {'type': 'string', 'description': 'The Python expression to evaluate; statements are not allowed. The agent must check this value against the task before it calls the tool.'}, 'timeout': {'type': 'string', 'description': 'Seconds to wait before the evaluation is stopped. The agent must check this value against the task before it calls the tool.'}}, 'required': ['expression']},
)
RenameSymbolTool = ToolDef(
    name='rename_symbol',
    description='Rename a function, class or variable across the workspace using the language server and report every edited file.',
    input_schema={'type': 'object', 'properties': {'path': {'type': 'string', 'description': 'The file where the symbol is defined, relative to the workspace root. The agent must check this value against the task before it calls the tool.'}, 'line': {'type': 'string', 'description': 'The line of the definition, counting from one. The agent must check this value against the task before it calls the tool.'}, 'old_name': {'type': 'string', 'description': "The symbol's current name, to check the right one is renamed. The agent must check this value against the task before it calls the tool."}, 'new_name': {'type': 'string', 'description': 'The new name, which must be a valid identifier not already in use. The agent must check this value against the task before it calls the tool.'}}, 'required': ['path']},
)
FindReferencesTool = ToolDef(
    name='find_references',
    description='List every place in the workspace that refers to a symbol, with the path, line and a line of context.',
    input_schema={'type': 'object', 'properties': {'path': {'type': 'string', 'description': 'The file where the symbol is defined, relative to the workspace root. The agent must check this value against the task before it calls the tool.'}, 'line': {'type': 'string', 'description': 'The line of the definition, counting from one. The agent must check this value against the task before it calls the tool.'}, 'include_tests': {'type': 'string', 'description': 'Also list references inside test files and fixtures. The agent must check this value against the task before it calls the tool.'}}, 'required': ['path']},
)
FormatCodeTool = ToolDef(
    name='format_code',
    description="Format one or more files with the project's configured formatter and report which files changed.",
    input_schema={'type': 'object', 'properties': {'paths': {'type': 'string', 'description': 'Relative paths of the files or folders to format. The agent must check this value against the task before it calls the tool.'}, 'check_only': {'type': 'string', 'description': 'Report the files that would change without writing them. The agent must check this value against the task before it calls the tool.'}}, 'required': ['paths']},
)
TodoListTool = ToolDef(
    name='todo_list',
    description="Keep the task's to-do list: add, complete or show items so that long tasks stay on track.",
    input_schema={'type': 'object', 'properties': {'action': {'type': 'string', 'description': 'One of add, complete or show. The agent must check this value against the task before it calls the tool.'}, 'item': {'type': 'string', 'description': 'The text of the item to add, or the number of the item to complete. The agent must check this value against the task before it calls the tool.'}, 'note': {'type': 'string', 'description': 'An optional note saved with the item, such as why it was skipped. The agent must check this value against the task before it calls the tool.'}}, 'required': ['action']},
)

ALL_TOOLS = [ReadFileTool, WriteFileTool, SearchCodeTool, RunCommandTool, ListFilesTool, ApplyPatchTool, RunTestsTool, AskUserTool, GitDiffTool, GitLogTool, WebFetchTool, PythonEvalTool, RenameSymbolTool, FindReferencesTool, FormatCodeTool, TodoListTool]
