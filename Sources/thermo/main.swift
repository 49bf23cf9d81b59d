import ThermoCLI

ThermoCommand.main()
