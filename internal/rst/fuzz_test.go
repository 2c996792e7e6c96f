package rst

import (
	"slices"
	"testing"
)

func FuzzCheckRST(f *testing.F) {
	for _, s := range []string{
		"Title\n=====\n\ntext *emph* and ``lit`` and `ref`_\n\n.. _ref: http://x\n",
		"- a\n- b\n\n1. one\n2. two\n\nterm\n   def\n\n:field: body\n",
		"Example::\n\n    code\n\n.. note:: text\n\n.. code-block:: python\n\n   x = 1\n",
		"=====\nTitle\n=====\n\nSub\n---\n\n----\n\n|s| :class:`c`\n\n.. |s| image:: x.png\n",
		"+---+\n| a |\n+---+\n\n=== ===\n a   b\n=== ===\n\n>>> 1\n\n| line\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		found := Check(s)
		for _, p := range found {
			if p.Message == "" || p.Line < 0 || p.Line != messageLine(p.Message) {
				t.Errorf("bad problem %+v", p)
			}
		}
		if !slices.IsSortedFunc(found, func(a, b Problem) int { return a.Line - b.Line }) {
			t.Errorf("problems not in line order: %+v", found)
		}
	})
}
