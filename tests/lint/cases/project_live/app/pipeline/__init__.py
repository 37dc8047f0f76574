from app.pipeline.steps import run_pipeline

__all__ = ["run_pipeline"]
