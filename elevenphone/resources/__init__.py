"""The resources of the API, as ``client.<resource>``: each method builds one
request from the pure wire functions and sends it through the client."""
