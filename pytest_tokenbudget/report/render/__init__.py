"""Renderers of the report model (:mod:`pytest_tokenbudget.report.model`): terminal text (the pytest
summary and ``tokenbudget report``), Markdown (job summary), JUnit properties, the GitHub step
summary file and the JSON report. They read the model only, so every output agrees."""
