"""Media: images, documents and archived sources of reports: their upload and their serving under the access policy."""
