"""Tests of the shared Block Kit builders."""
