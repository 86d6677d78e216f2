from halint.cli import main

raise SystemExit(main())
