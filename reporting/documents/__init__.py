"""The period report and the consolidated report as documents (issue 13, item 7).

``content`` turns a ward's ``PeriodReport`` (its frozen snapshot and text) or a consolidated
report (a ``ConsolidatedReport`` through ``ConsolidatedSource``) into one neutral ``Document``;
``render_docx`` and ``render_pdf`` draw that same structure, so the .docx and the PDF are the
same document. ``views`` serves them to the readers in scope.
"""
