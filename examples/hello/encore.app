{
	// The app is not linked to Encore Cloud; `encore app link` sets an id.
	"id": "",
	"lang": "typescript"
}
