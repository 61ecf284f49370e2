// abstore: two accounts and transfers between them, the sample the old
// tool's guide used: init a 100 b 200, invoke a b 10, query a.
//
// This is the Fabric 1.4 version, built by the peer from source (install,
// instantiate with init) against the shim of Fabric 1.4's ccenv image.
package main

import (
	"fmt"
	"strconv"

	"github.com/hyperledger/fabric/core/chaincode/shim"
	pb "github.com/hyperledger/fabric/protos/peer"
)

type abstore struct{}

func amount(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("expected an integer amount, got %q", s)
	}
	return n, nil
}

func balance(stub shim.ChaincodeStubInterface, account string) (int, error) {
	b, err := stub.GetState(account)
	if err != nil {
		return 0, err
	}
	if b == nil {
		return 0, fmt.Errorf("no account %q", account)
	}
	return amount(string(b))
}

func put(stub shim.ChaincodeStubInterface, account string, n int) error {
	return stub.PutState(account, []byte(strconv.Itoa(n)))
}

// Init: A AMOUNT B AMOUNT opens two accounts (the function name is ignored).
func (abstore) Init(stub shim.ChaincodeStubInterface) pb.Response {
	_, args := stub.GetFunctionAndParameters()
	if len(args) != 4 {
		return shim.Error("init takes: account amount account amount")
	}
	for i := 0; i < 4; i += 2 {
		n, err := amount(args[i+1])
		if err == nil {
			err = put(stub, args[i], n)
		}
		if err != nil {
			return shim.Error(err.Error())
		}
	}
	return shim.Success(nil)
}

func (abstore) Invoke(stub shim.ChaincodeStubInterface) pb.Response {
	fn, args := stub.GetFunctionAndParameters()
	switch fn {
	case "invoke":
		if len(args) != 3 {
			return shim.Error("invoke takes: from to amount")
		}
		n, err := amount(args[2])
		if err != nil {
			return shim.Error(err.Error())
		}
		from, err := balance(stub, args[0])
		if err != nil {
			return shim.Error(err.Error())
		}
		to, err := balance(stub, args[1])
		if err != nil {
			return shim.Error(err.Error())
		}
		if err := put(stub, args[0], from-n); err != nil {
			return shim.Error(err.Error())
		}
		if err := put(stub, args[1], to+n); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	case "query":
		if len(args) != 1 {
			return shim.Error("query takes: account")
		}
		n, err := balance(stub, args[0])
		if err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success([]byte(strconv.Itoa(n)))
	case "delete":
		if len(args) != 1 {
			return shim.Error("delete takes: account")
		}
		if err := stub.DelState(args[0]); err != nil {
			return shim.Error(err.Error())
		}
		return shim.Success(nil)
	}
	return shim.Error(fmt.Sprintf("unknown function %q (invoke, query, delete)", fn))
}

func main() {
	if err := shim.Start(new(abstore)); err != nil {
		fmt.Printf("abstore: %s\n", err)
	}
}
